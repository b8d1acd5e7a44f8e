import {
	ICredentialsHelper,
	isExpression,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeParameters,
	type INodeProperties,
	type INodeTypes,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { GraphMailAppOnlyApi } from '../../credentials/GraphMailAppOnlyApi.credentials';
import { GraphMailOAuth2Api } from '../../credentials/GraphMailOAuth2Api.credentials';
import { oAuth2ApiType } from './oAuth2ApiType';

export interface StoredCredential {
	id: string;
	name: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}

/** Like n8n's own credential resolver: a node type without parameters to evaluate `$self` against. */
const resolverNodeTypes: INodeTypes = {
	getByName: () => ({ description: { properties: [] } }) as never,
	getByNameAndVersion: () => ({ description: { properties: [] } }) as never,
	getKnownTypes: () => ({}),
};

/**
 * An in-memory stand-in for n8n's CredentialsHelper (which lives in the n8n CLI package):
 * real parent chain (so n8n-core signs OAuth2 requests and refreshes on 401), defaults applied
 * and `={{ }}` expressions resolved with `$self` like n8n does, token updates stored and recorded.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	readonly tokenUpdates: Array<{ id: string; oauthTokenData: unknown }> = [];
	/** preAuthentication runs that asked the credential (app-only), with why. */
	readonly preAuthentications: Array<{ id?: string; expired: boolean }> = [];
	private readonly store = new Map<string, StoredCredential>();
	private readonly types = new Map<string, ICredentialType>();

	constructor() {
		super();
		for (const type of [new GraphMailOAuth2Api(), new GraphMailAppOnlyApi(), oAuth2ApiType()])
			this.types.set(type.name, type);
	}

	/** Registers another credential type (e.g. n8n's built-in Outlook credentials for benchmarks). */
	addType(type: ICredentialType): void {
		this.types.set(type.name, type);
	}

	add(credential: StoredCredential): void {
		this.store.set(credential.id, structuredClone(credential));
	}

	stored(id: string): StoredCredential {
		const credential = this.store.get(id);
		if (!credential) throw new Error(`no credential ${id}`);
		return credential;
	}

	getParentTypes(name: string): string[] {
		const parents = this.types.get(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.types.get(type);
		if (!credentialType) throw new Error(`unknown credential type ${type}`);
		if (!credentialType.extends) {
			return type === 'oAuth2Api'
				? [
						...credentialType.properties,
						{ displayName: 'oauthTokenData', name: 'oauthTokenData', type: 'json', default: {} },
					]
				: credentialType.properties;
		}
		const merged: INodeProperties[] = [];
		for (const parent of credentialType.extends)
			NodeHelpers.mergeNodeProperties(merged, this.getCredentialsProperties(parent));
		NodeHelpers.mergeNodeProperties(merged, credentialType.properties);
		return merged;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		_executeData?: unknown,
		raw?: boolean,
	): Promise<ICredentialDataDecryptedObject> {
		const original = structuredClone(this.stored(nodeCredentials.id!).data);
		if (raw) return original;
		return await this.resolve(type, original, mode);
	}

	/** Defaults and expressions as n8n's CredentialsHelper.applyDefaultsAndOverwrites does. */
	async resolve(
		type: string,
		original: ICredentialDataDecryptedObject,
		mode: WorkflowExecuteMode = 'manual',
	) {
		const properties = this.getCredentialsProperties(type);
		const withDefaults = NodeHelpers.getNodeParameters(
			properties,
			original as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (original.oauthTokenData !== undefined)
			withDefaults.oauthTokenData = original.oauthTokenData;
		const mockNode: INode = {
			id: 'credential-resolver',
			name: 'mock',
			type: 'mock',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		};
		const workflow = new Workflow({
			nodes: [mockNode],
			connections: {},
			active: false,
			nodeTypes: resolverNodeTypes,
		});
		return workflow.expression.getComplexParameterValue(
			mockNode,
			withDefaults as INodeParameters,
			mode,
			{},
			undefined,
			undefined,
			withDefaults,
		) as ICredentialDataDecryptedObject;
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		_type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.stored(nodeCredentials.id!);
		if (data.oauthTokenData === undefined) delete stored.data.oauthTokenData;
		else stored.data.oauthTokenData = structuredClone(data.oauthTokenData);
		this.tokenUpdates.push({ id: stored.id, oauthTokenData: structuredClone(data.oauthTokenData) });
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		_type: string,
		data: ICredentialDataDecryptedObject,
	) {
		this.stored(nodeCredentials.id!).data = structuredClone(data);
	}

	/** Behaves as n8n 2.40.7's CredentialsHelper.authenticate does for function and generic authentication. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	) {
		const credentialType = this.types.get(typeName);
		const authenticate = credentialType?.authenticate;
		if (!authenticate) return requestOptions;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (!workflow || !node)
			throw new Error('Workflow and node are required for declarative credential authentication');
		const options = requestOptions as unknown as Record<string, Record<string, unknown>>;
		if (authenticate.type === 'generic') {
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
					const resolve = (parameter: string) =>
						isExpression(parameter)
							? String(
									workflow.expression.getSimpleParameterValue(
										node,
										parameter,
										'internal',
										{ $credentials: credentials },
										undefined,
										'',
									) || '',
								)
							: parameter;
					options[outerKey] ??= {};
					options[outerKey][resolve(key)] = resolve(value);
				}
			}
		}
		return requestOptions;
	}

	/**
	 * Behaves as n8n 2.40.7's CredentialsHelper.preAuthentication does: runs the credential's
	 * preAuthentication when the expirable field is empty, the token expired (401) or the
	 * credential is being tested, and persists the answer to the stored credential.
	 */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.types.get(typeName);
		const expirable = credentialType?.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (!credentialType || expirable?.name === undefined) return undefined;
		const isTestingCredentials =
			node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired && !isTestingCredentials)
			return undefined;
		const nodeCredentials = node.credentials?.[credentialType.name];
		this.preAuthentications.push({
			id: nodeCredentials?.id ?? undefined,
			expired: credentialsExpired,
		});
		const output = await credentialType.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		if (!nodeCredentials) return undefined;
		const storedData = structuredClone(this.stored(nodeCredentials.id!).data);
		const dataToPersist: ICredentialDataDecryptedObject = { ...storedData };
		for (const [key, value] of Object.entries(output)) {
			if (key === expirable.name || !isExpression(storedData[key]))
				dataToPersist[key] = value as never;
		}
		await this.updateCredentials(nodeCredentials, credentialType.name, dataToPersist);
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(_helpers: IHttpRequestHelper): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('getCredentials is not used by n8n-core for OAuth2 signing');
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}
}
