/**
 * The secrets callers and platforms authenticate with: the B2B order API key,
 * the warehouse's callback key (finance uses IAM), the platforms' webhook signing secrets, Stripe's key, and
 * the secret o2c signs its own webhook to the warehouse with. Stateful:
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
  readonly warehouseWebhookSecret: Secret;

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
    // Generated here: o2c signs the warehouse webhook with it; the seller gives it to their warehouse or 3PL.
    this.warehouseWebhookSecret = new Secret(this, 'WarehouseWebhookSecret', {
      description: 'o2c warehouse webhook signing secret (x-o2c-signature, HMAC-SHA256); share it with the warehouse; may hold {"current": "..."}',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
    });
    Validations.of(this.warehouseWebhookSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The secret is shared with the warehouse out of band; rotate it by storing a new one when the warehouse accepts both (it verifies against each secret it holds).',
    });
  }
}
