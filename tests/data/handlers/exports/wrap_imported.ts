import { withSentry } from '@sentry/serverless'
import { main } from './impl/real'

export const handler = withSentry(main)
