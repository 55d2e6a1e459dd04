import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

// Shaped like cdk8s-plus-33's Deployment as far as a peer reads it: a construct with metadata,
// a name and toPodSelectorConfig(); no class of any cdk8s-plus major.
export class Plus33Deployment extends Construct {
  public readonly metadata: { readonly namespace?: string };
  public readonly name: string;
  private readonly podLabels: { [key: string]: string };
  constructor(scope: Construct, id: string, props: { namespace?: string } = {}) {
    super(scope, id);
    this.name = `${id}-c8a1b2c3`;
    this.metadata = { namespace: props.namespace };
    this.podLabels = { 'cdk8s.io/metadata.addr': `${id}-c8a1b2c3` };
    new ApiObject(this, 'Resource', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: this.name, namespace: props.namespace },
      spec: { selector: { matchLabels: this.podLabels }, template: { metadata: { labels: this.podLabels }, spec: { containers: [{ name: 'main', image: 'ghcr.io/acme/legacy:1.0' }] } } },
    });
  }
  public toPodSelectorConfig() {
    return { labelSelector: { _toKube: () => ({ matchLabels: { ...this.podLabels } }) } };
  }
}
