export { main as handler } from './impl/real'
