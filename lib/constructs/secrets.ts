/**
 * The secrets callers and platforms authenticate with: the B2B order API key,
 * the warehouse's callback key (finance uses IAM) and the platforms' webhook signing secrets. Stateful:
 * redeploying the functions never regenerates the key clients hold.
 */
import { Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export class IntakeSecrets extends Construct {
  readonly apiKey: Secret;
  readonly warehouseKey: Secret;
  readonly webhookSecrets: Secret;
  readonly stripeKey: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.apiKey = new Secret(this, 'ApiKey', {
      description: 'o2c B2B order API key; may hold {"current","previous"} during rotation',
      generateSecretString: { excludePunctuation: true, passwordLength: 40 },
    });
    this.warehouseKey = new Secret(this, 'WarehouseKey', {
      description: 'o2c warehouse/3PL callback key; may hold {"current","previous"} during rotation',
      generateSecretString: { excludePunctuation: true, passwordLength: 40 },
    });
    for (const key of [this.apiKey, this.warehouseKey]) {
      Validations.of(key).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'The key is shared with its callers out of band; it is rotated by hand with {"current","previous"} so both keys work during the switch.',
      });
    }
    this.webhookSecrets = new Secret(this, 'WebhookSecrets', {
      description: 'o2c platform webhook signing secrets: {"shopify": [...], "woocommerce": [...], "stripe": ["whsec_..."]}; two per platform during a rotation',
      secretObjectValue: {},
    });
    Validations.of(this.webhookSecrets).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The signing secrets are issued by Shopify, WooCommerce and Stripe; they are rotated there and pasted in, keeping the old one listed until deliveries signed with it stop.',
    });
    // Empty until finance pastes the key in: refund-payment then fails loudly (retries, DLQ, alarm) instead of refunding with a made-up key.
    this.stripeKey = new Secret(this, 'StripeKey', {
      description: 'o2c Stripe secret API key for refunds: "sk_live_..." (or {"secretKey": "sk_live_..."}); a restricted key with Refunds write is enough',
      secretObjectValue: {},
    });
    Validations.of(this.stripeKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The key is issued by Stripe; it is rolled in the Stripe dashboard and pasted in here.',
    });
  }
}
