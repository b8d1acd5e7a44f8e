import '../test/setup/env';
import { startTestEnvironment } from '../test/harness/environment';
console.log(typeof startTestEnvironment);
startTestEnvironment().then(async (env) => { console.log('ok'); await env.stop(); }, (e) => console.log('fail', e.message));
