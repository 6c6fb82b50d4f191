export { handler } from './handler'
