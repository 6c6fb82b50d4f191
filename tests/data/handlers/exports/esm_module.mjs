export async function handler() {}
