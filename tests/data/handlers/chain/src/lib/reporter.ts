import { Pool } from 'pg'

export class Reporter {
  static pool = new Pool({ max: 1 })
  private readonly local = new Pool()

  report(id: string) {
    return this.format(id)
  }

  format(id: string) {
    return `order ${id}`
  }
}
