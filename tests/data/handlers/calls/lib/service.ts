class Base {
  constructor() {
    this.ready = true
  }
}

export class Service extends Base {
  constructor() {
    super()
  }

  static create() {
    return new Service()
  }

  query() {
    return this.run()
  }

  run() {
    return 1
  }
}

export function helper() {
  return 2
}

export default function connect() {
  return 3
}
