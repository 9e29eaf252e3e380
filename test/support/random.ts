/**
 * Small deterministic PRNG (mulberry32) so fuzz cases are reproducible from their seed. The one
 * definition is the engine's (k-means++ seeding uses it); tests know it by its algorithm's name.
 */
export { seededRandom as mulberry32 } from '../../main/engine/optimize/cluster/kmeans';
