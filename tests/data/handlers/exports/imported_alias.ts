import { main } from './impl/real'

export { main as handler }
