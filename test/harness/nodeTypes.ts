import { NodeHelpers, type INodeType, type INodeTypes, type IVersionedNodeType } from 'n8n-workflow';

import { GraphMail } from '../../nodes/GraphMail/GraphMail.node';
import { GraphMailInstantTrigger } from '../../nodes/GraphMailInstantTrigger/GraphMailInstantTrigger.node';
import { GraphMailTrigger } from '../../nodes/GraphMailTrigger/GraphMailTrigger.node';

/** The node types the engine may run: this package's nodes, plus any a test adds (e.g. n8n's built-in Outlook node). */
export class TestNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	constructor() {
		this.add('n8n-nodes-graph-mail.graphMail', new GraphMail());
		this.add('n8n-nodes-graph-mail.graphMailTrigger', new GraphMailTrigger());
		this.add('n8n-nodes-graph-mail.graphMailInstantTrigger', new GraphMailInstantTrigger());
	}

	add(name: string, type: INodeType | IVersionedNodeType): void {
		this.types.set(name, type);
	}

	getByName(name: string): INodeType | IVersionedNodeType {
		const type = this.types.get(name);
		if (!type) throw new Error(`unknown node type ${name}`);
		return type;
	}

	getByNameAndVersion(name: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(name), version);
	}

	getKnownTypes() {
		return {};
	}
}
