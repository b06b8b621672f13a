/**
 * Property-based tests draw from one fixed seed, so `npm test` (and CI) is repeatable: a
 * failure found once fails every time until fixed. Explore new inputs with `FC_SEED=random
 * npm test`, or replay one with `FC_SEED=<seed printed by the failure>`.
 */
import fc from 'fast-check';

const chosen = process.env.FC_SEED ?? '20261122';
if (chosen !== 'random') fc.configureGlobal({ seed: Number(chosen) });
