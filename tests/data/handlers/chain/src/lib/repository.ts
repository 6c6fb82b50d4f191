import { Database } from './database'

export class OrderRepository {
  constructor(private readonly db: Database) {}

  find(id: string) {
    return this.db.client.order.findMany({ where: { id } })
  }
}

export function getRepository() {
  return new OrderRepository(new Database())
}
