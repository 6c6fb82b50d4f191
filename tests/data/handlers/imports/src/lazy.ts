export const lazyThing = 1
