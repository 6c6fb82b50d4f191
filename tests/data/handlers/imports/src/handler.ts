import { getDb } from '@/lib/db'
import { log } from '@lib/log'
import * as util from './util'
import { format } from './esm-style.js'
import type { Shape } from './types'
import { type Other, helper } from './helper'
import { PrismaClient as Generated } from './generated/prisma'
import pg from 'pg'
import { execSync } from 'node:child_process'
import { a } from './cycle/a'
export { shared } from './shared'
const legacy = require('./legacy')
const { parse, stringify: toText } = require('./legacy')
const fromDb = require('#db').getDb

export const handler = async (event: Shape) => {
  const mod = await import('./lazy')
  const { lazyThing } = await import('./lazy')
  log(format(util.x))
  return getDb() && legacy && a && helper && pg && Generated && mod && lazyThing && parse && toText
}
