export function wrap<T>(options: object, fn: T): T {
  return fn
}
