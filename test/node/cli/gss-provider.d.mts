import type { GssAcceptor, GssInitiator } from '../../../src/index.js'

export declare const initiator: (target: { service: string; host: string }) => GssInitiator
export declare const acceptor: (target: { service: string }) => GssAcceptor
