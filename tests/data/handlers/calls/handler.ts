import * as db from './lib/db'
import connect, { Service, helper as aliasHelper } from './lib/service'
const { legacyConnect } = require('./lib/legacy')
const legacy = require('./lib/legacy')

function localFactory() {
  return new Service()
}

export const handler = async (event: { run: () => void }, connect2: () => void) => {
  db.getClient()
  connect()
  aliasHelper()
  legacyConnect()
  legacy.legacyConnect()
  localFactory()
  const service = new Service()
  service.query()
  Service.create()
  event.run()
  connect2()
  const inner = () => aliasHelper()
  inner()
  {
    const connect = () => 'shadowed'
    connect()
  }
  unknownGlobal()
}
