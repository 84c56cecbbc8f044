/** The models the benchmarks decode with. */
import { DEFAULT_MODEL_DIR } from '../../src/config.ts';
import { loadModel, type LoadedModel } from '../../src/model/model-dir.ts';

export interface BenchModels {
  /** The bundled default model as shipped (an LSTM with the copy mechanism). */
  shipped: LoadedModel;
  /**
   * The same model without its copy head: a plain LSTM of the shape
   * (E=64, H=256, V=2,000), the PyTorch reference's architecture.
   */
  plain: LoadedModel;
}

export async function loadBenchModels(): Promise<BenchModels & { dispose(): void }> {
  const shipped = await loadModel(DEFAULT_MODEL_DIR);
  const plain: LoadedModel = { ...shipped, config: { ...shipped.config, copy: undefined }, params: { ...shipped.params, copy: undefined }, dispose: () => {} };
  return { shipped, plain, dispose: () => shipped.dispose() };
}
