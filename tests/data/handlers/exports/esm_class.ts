export class Handler {
  run() {}
}
