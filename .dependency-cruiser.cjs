// Layer rules for Lowbit, checked by dependency-cruiser in `npm run lint` (`npm run lint:layers`).
//
// ESLint (eslint.config.js) says which runtime APIs a folder may use (no fs in the engine, no
// electron in devices, the renderer only the contract — that rule stays in ESLint because it must
// also read .svelte files). This file says which of Lowbit's own folders may import which:
//
//   main/engine      pure TypeScript, floors from the ground up (ENGINE_FLOORS below)
//   main/files       Node file access, above the engine
//   main/devices     native device access, beside the engine: may use the engine and main/files
//   main/runtimes    official runtimes of other formats (native: ONNX Runtime), over the engine only
//   main/contract    IPC wire shapes: engine types only (type-only imports) and zod
//   main/jobs        workers; main/services validate and call engine, devices and jobs
//   main/cli, main/host, main/app   three shells over the services
//   preload, renderer               the contract only
//
// Every rule applies to tests beside the code too: a unit test lives on its module's floor, a
// test that needs higher floors belongs in test/integration. No import cycles, type-only ones
// included (`import type` cycles still tie two files into one unit).
//
// To add an engine folder: put it on a floor in ENGINE_FLOORS. To let one shell use another,
// add the one file it may import to SHELL_ENTRIES and say why.

/** The engine's floors, lowest first. A folder may import its own floor and the floors below. */
const ENGINE_FLOORS = [
  { name: 'ground', folders: ['errors.ts', 'tensor'] }, // domain errors; DType, TypedArray, QuantParams
  { name: 'quant', folders: ['quant'] }, // fixed-point and quantization math
  { name: 'formats', folders: ['model', 'tflite', 'onnx', 'convert'] }, // model formats: read, write, inspect; convert: ONNX → TFLite (the ONNX format's lowering)
  { name: 'interpreter', folders: ['interpreter', 'analysis'] }, // planner, kernels (bit-exact with TFLite Micro); analysis: MACs, parameters, activation memory by the same plan
  { name: 'techniques', folders: ['optimize', 'train'] }, // quantization, calibration, pruning, clustering; trainer
  { name: 'evaluation', folders: ['evaluate', 'datasets'] }, // metrics, runner, report, compare; dataset readers
  { name: 'targets', folders: ['targets'] }, // what each target accepts (op tables, boards)
  { name: 'plan-deploy', folders: ['advisor', 'deploy'] }, // the plan; exports and the fit estimate (needs the arena plan)
];

/** `^main/engine/(a|b)(/|$)` for a list of engine folder (or file) names. */
const enginePath = (names) => `^main/engine/(${names.map((n) => n.replace('.', '\\.')).join('|')})(/|$)`;

const engineFloorRules = ENGINE_FLOORS.slice(0, -1).map((floor, i) => {
  const above = ENGINE_FLOORS.slice(i + 1).flatMap((f) => f.folders);
  return {
    name: `engine-floor-${floor.name}`,
    comment: `main/engine/{${floor.folders.join(',')}} may not import a higher floor (${above.join(', ')}).`,
    severity: 'error',
    from: { path: enginePath(floor.folders) },
    to: { path: enginePath(above) },
  };
});

/** What one shell may import from another: exactly these files, nothing else. */
const SHELL_ENTRIES = {
  // `lowbit serve` starts the host over the services; evaluate and calibrate spread samples over the
  // pool; `lowbit train` trains over the training threads
  cli: [
    '^main/services/index\\.ts$',
    '^main/host/server\\.ts$',
    '^main/jobs/pool/sample-pool\\.ts$',
    '^main/jobs/train-pool/train-pool\\.ts$',
  ],
  app: ['^main/services/index\\.ts$'], // IPC handlers call the services object
  host: [], // the host receives the services object from its caller
  services: ['^main/jobs/'], // services start jobs and read the job kinds' parameter shapes
  jobs: [], // workers run engine code; they know no shell
};
const SHELLS = Object.keys(SHELL_ENTRIES);

const shellRules = SHELLS.map((shell) => ({
  name: `shell-${shell}`,
  comment:
    SHELL_ENTRIES[shell].length === 0
      ? `main/${shell} may not import ${SHELLS.filter((s) => s !== shell).join(', ')}.`
      : `main/${shell} may import only ${SHELL_ENTRIES[shell].join(', ')} of the other shells.`,
  severity: 'error',
  from: { path: `^main/${shell}/` },
  to: {
    path: `^main/(${SHELLS.filter((s) => s !== shell).join('|')})/`,
    ...(SHELL_ENTRIES[shell].length > 0 ? { pathNot: SHELL_ENTRIES[shell] } : {}),
  },
}));

/**
 * The layers below the contract and what each may not import (everything above it). Devices sit
 * beside the engine and may use main/files; main/files may use only the engine.
 */
const LOWER_LAYERS = {
  engine: ['contract', 'files', 'devices', 'runtimes', 'jobs', 'services', 'cli', 'host', 'app'],
  files: ['contract', 'devices', 'runtimes', 'jobs', 'services', 'cli', 'host', 'app'],
  devices: ['contract', 'runtimes', 'jobs', 'services', 'cli', 'host', 'app'],
  runtimes: ['contract', 'files', 'devices', 'jobs', 'services', 'cli', 'host', 'app'], // bytes in, like the engine
};

const lowerLayerRules = Object.entries(LOWER_LAYERS).map(([layer, above]) => ({
  name: `${layer}-above`,
  comment: `main/${layer} may not import ${above.join(', ')}, the Electron entry or the UI.`,
  severity: 'error',
  from: { path: `^main/${layer}/` },
  to: { path: `^(main/(${above.join('|')}|index\\.ts)|preload|renderer)(/|$)` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'Import cycles are not allowed (type-only ones included): move the shared part into a third file.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...lowerLayerRules,
    ...engineFloorRules,
    {
      name: 'contract-outside',
      comment: 'main/contract imports only engine types and zod.',
      severity: 'error',
      from: { path: '^main/contract/' },
      to: { pathNot: ['^main/(contract|engine)/', 'node_modules/zod/'] },
    },
    {
      name: 'contract-engine-types-only',
      comment: 'main/contract imports engine types only (`import type`): the renderer and preload load it.',
      severity: 'error',
      from: { path: '^main/contract/' },
      to: { path: '^main/engine/', dependencyTypesNot: ['type-only'] },
    },
    ...shellRules,
    {
      name: 'preload-contract-only',
      comment: 'preload imports only main/contract from main.',
      severity: 'error',
      from: { path: '^preload/' },
      to: { path: '^main/(?!contract/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^main/engine/tflite/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
