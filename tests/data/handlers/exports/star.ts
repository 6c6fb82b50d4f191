export * from './impl/real'
