export { GraphMailOAuth2Api } from './credentials/GraphMailOAuth2Api.credentials';
export { GraphMail } from './nodes/GraphMail/GraphMail.node';
export { GraphMailTrigger } from './nodes/GraphMailTrigger/GraphMailTrigger.node';
