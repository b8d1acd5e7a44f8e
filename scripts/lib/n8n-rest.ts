/** A small client for n8n's internal REST API (what the editor uses), with the owner's session cookie. */

export interface Owner {
	email: string;
	firstName: string;
	lastName: string;
	/** 8-64 characters with a digit and an uppercase letter. */
	password: string;
}

export interface CredentialSummary {
	id: string;
	name: string;
	type: string;
}

export interface WorkflowSummary {
	id: string;
	name: string;
	active: boolean;
	versionId: string;
	activeVersionId?: string | null;
	nodes?: Array<{ name: string; type: string; parameters?: Record<string, unknown> }>;
}

export class N8nRestError extends Error {
	constructor(
		readonly status: number,
		readonly path: string,
		readonly body: string,
	) {
		super(`n8n ${path} answered ${status}: ${body.slice(0, 500)}`);
	}
}

export class N8nClient {
	private cookie: string | undefined;

	constructor(readonly baseUrl: string) {}

	/** The `n8n-auth` cookie header value, for a browser or a callback request. */
	get authCookie(): string | undefined {
		return this.cookie;
	}

	async request<T>(
		method: string,
		path: string,
		body?: unknown,
		options: { raw?: boolean } = {},
	): Promise<T> {
		const headers: Record<string, string> = { accept: 'application/json' };
		if (body !== undefined) headers['content-type'] = 'application/json';
		if (this.cookie) headers.cookie = this.cookie;
		const response = await fetch(`${this.baseUrl}${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			redirect: 'manual',
		});
		const setCookie = response.headers.getSetCookie?.() ?? [];
		for (const line of setCookie) {
			const match = /^n8n-auth=([^;]*)/.exec(line);
			if (match) this.cookie = `n8n-auth=${match[1]}`;
		}
		const text = await response.text();
		if (!response.ok) throw new N8nRestError(response.status, path, text);
		if (options.raw) return text as T;
		const parsed = JSON.parse(text) as { data?: T };
		return (parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed) as T;
	}

	/** Whether the instance still asks for an owner (a fresh user folder). */
	async needsOwnerSetup(): Promise<boolean> {
		const settings = await this.request<{ userManagement?: { showSetupOnFirstLoad?: boolean } }>(
			'GET',
			'/rest/settings',
		);
		return settings.userManagement?.showSetupOnFirstLoad === true;
	}

	/** Creates the owner on a fresh instance (no-op when there is one), then logs in. */
	async setupOwnerAndLogin(owner: Owner): Promise<void> {
		if (await this.needsOwnerSetup()) {
			await this.request('POST', '/rest/owner/setup', {
				email: owner.email,
				firstName: owner.firstName,
				lastName: owner.lastName,
				password: owner.password,
			});
		}
		await this.login(owner.email, owner.password);
	}

	async login(email: string, password: string): Promise<void> {
		await this.request('POST', '/rest/login', { emailOrLdapLoginId: email, password });
		if (!this.cookie) throw new Error('n8n did not set the n8n-auth cookie on login');
	}

	async nodeTypeNames(): Promise<string[]> {
		const types = await this.request<Array<{ name: string }>>('GET', '/types/nodes.json');
		return types.map((type) => type.name);
	}

	async credentialTypeNames(): Promise<string[]> {
		const types = await this.request<Array<{ name: string }>>('GET', '/types/credentials.json');
		return types.map((type) => type.name);
	}

	async createCredential(
		name: string,
		type: string,
		data: Record<string, unknown>,
	): Promise<CredentialSummary> {
		return await this.request<CredentialSummary>('POST', '/rest/credentials', { name, type, data });
	}

	/** Changes fields of a credential; n8n keeps its stored oauthTokenData. */
	async updateCredential(
		id: string,
		name: string,
		type: string,
		data: Record<string, unknown>,
	): Promise<CredentialSummary> {
		return await this.request<CredentialSummary>('PATCH', `/rest/credentials/${id}`, {
			name,
			type,
			data,
		});
	}

	async listCredentials(): Promise<CredentialSummary[]> {
		return await this.request<CredentialSummary[]>('GET', '/rest/credentials');
	}

	/** The credential with its data; `data.oauthTokenData` is `true` once connected (n8n hides the tokens). */
	async getCredential(id: string): Promise<CredentialSummary & { data?: Record<string, unknown> }> {
		return await this.request('GET', `/rest/credentials/${id}?includeData=true`);
	}

	async isConnected(credentialId: string): Promise<boolean> {
		const credential = await this.getCredential(credentialId);
		return Boolean(credential.data?.oauthTokenData);
	}

	async deleteCredential(id: string): Promise<void> {
		await this.request('DELETE', `/rest/credentials/${id}`);
	}

	/** Step 1 of the editor's Connect button: the provider's authorize URL for this credential. */
	async oauth2AuthUrl(credentialId: string): Promise<string> {
		return await this.request<string>(
			'GET',
			`/rest/oauth2-credential/auth?id=${encodeURIComponent(credentialId)}`,
		);
	}

	/** Follows the provider's redirect to n8n's callback with this session (n8n >= 2.0 requires it); returns the page. */
	async oauth2Callback(callbackUrl: string): Promise<{ status: number; html: string }> {
		const response = await fetch(callbackUrl, {
			headers: this.cookie ? { cookie: this.cookie } : {},
			redirect: 'manual',
		});
		return { status: response.status, html: await response.text() };
	}

	async getWorkflow(id: string): Promise<WorkflowSummary | undefined> {
		try {
			return await this.request<WorkflowSummary>('GET', `/rest/workflows/${id}`);
		} catch (error) {
			if (
				error instanceof N8nRestError &&
				(error.status === 404 || error.status === 403 || error.status === 400)
			)
				return undefined;
			throw error;
		}
	}

	async listWorkflows(): Promise<WorkflowSummary[]> {
		return await this.request<WorkflowSummary[]>('GET', '/rest/workflows');
	}

	/** Creates a workflow (keeping `id` when the JSON has one) in the owner's personal project. */
	async createWorkflow(workflow: Record<string, unknown>): Promise<WorkflowSummary> {
		const { active: _active, ...rest } = workflow;
		return await this.request<WorkflowSummary>('POST', '/rest/workflows', rest);
	}

	async deleteWorkflow(id: string): Promise<void> {
		try {
			await this.request('POST', `/rest/workflows/${id}/archive`);
		} catch {
			// already archived or not there
		}
		await this.request('DELETE', `/rest/workflows/${id}`);
	}

	/** Publishes (activates) the workflow's current version: its triggers and webhooks start. */
	async activateWorkflow(id: string): Promise<WorkflowSummary> {
		const workflow = await this.request<WorkflowSummary>('GET', `/rest/workflows/${id}`);
		return await this.request<WorkflowSummary>('POST', `/rest/workflows/${id}/activate`, {
			versionId: workflow.versionId,
		});
	}

	async deactivateWorkflow(id: string): Promise<WorkflowSummary> {
		return await this.request<WorkflowSummary>('POST', `/rest/workflows/${id}/deactivate`, {});
	}

	/** Executions of a workflow, newest first. */
	async listExecutions(
		workflowId: string,
	): Promise<Array<{ id: string; status: string; mode: string; startedAt: string }>> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const page = await this.request<{
			results: Array<{ id: string; status: string; mode: string; startedAt: string }>;
		}>('GET', `/rest/executions?filter=${filter}`);
		return page.results;
	}
}
