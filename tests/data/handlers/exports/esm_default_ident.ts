const main = async () => 'ok'

export default main
