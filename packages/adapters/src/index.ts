export * as WebhookSink from './WebhookSink.js'
