function handler() {
  return 1
}

export { handler }
