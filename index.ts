export { GraphMailOAuth2Api } from './credentials/GraphMailOAuth2Api.credentials';
export { GraphMail } from './nodes/GraphMail/GraphMail.node';
