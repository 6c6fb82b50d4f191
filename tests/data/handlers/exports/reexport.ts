export { handler } from './impl/real'
