import type { AgoraChange } from './agora-model';

/** A change to a pack's data, as the console's feed carries it (the agora packs' users and sessions today). */
export type PackChange = AgoraChange;
