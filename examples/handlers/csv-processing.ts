// Handlers of the csv_processing example (batch processing): the analyzer counts data rows and plans 5 workers,
// each worker sums its rows [start_cursor, end_cursor), the aggregator combines them. Columns:
// id,name,category,price,quantity (header line first); `csv_file_path` is resolved against the working directory.
// Imports the handler API directly until src/index.ts exists.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  BatchableStepHandler,
  PermanentError,
  type StepContext,
  type StepHandlerResult,
} from '../../src/index.ts';

/** Number of batch workers the analyzer plans for a non-empty file. */
const WORKER_COUNT = 5;

/** Worker template step that the analyzer's batches instantiate. */
const WORKER_TEMPLATE = 'process_csv_batch';

interface Product {
  category: string;
  priceCents: number;
  quantity: number;
}

/** The data rows (header dropped, blank lines ignored) of the task's CSV file. */
async function readDataRows(context: StepContext): Promise<string[]> {
  const path = context.getInput<string>('csv_file_path');
  if (typeof path !== 'string' || path === '') throw new PermanentError('csv_file_path is required');
  let text: string;
  try {
    text = await readFile(resolve(path), 'utf8');
  } catch (err) {
    throw new PermanentError(`cannot read CSV file ${path}: ${(err as Error).message}`, {}, { cause: err });
  }
  return text.split(/\r?\n/).slice(1).filter((line) => line.trim() !== '');
}

function parseRow(line: string, index: number): Product {
  const [, , category, price, quantity] = line.split(',');
  const priceCents = Math.round(Number(price) * 100);
  const qty = Number(quantity);
  if (!category || !Number.isFinite(priceCents) || !Number.isInteger(qty)) {
    throw new PermanentError(`malformed CSV data row ${index + 1}: ${line}`);
  }
  return { category, priceCents, quantity: qty };
}

/** analyze_csv: plans 5 batch workers over the data rows (no batches for an empty file). */
export class CsvAnalyzerHandler extends BatchableStepHandler {
  static override handlerName = 'csv_analyzer_handler';
  async call(context: StepContext): Promise<StepHandlerResult> {
    const rows = (await readDataRows(context)).length;
    if (rows === 0) return this.noBatchesResult('the CSV file has no data rows');
    return this.batchSuccess(WORKER_TEMPLATE, this.createCursorConfigs(rows, WORKER_COUNT), { total_rows: rows });
  }
}

/** process_csv_batch_*: `{processed_rows, inventory_value, categories}` for its slice of rows. */
export class CsvBatchWorkerHandler extends BatchableStepHandler {
  static override handlerName = 'csv_batch_worker_handler';
  static override handlerType = 'batch_worker' as const;
  async call(context: StepContext): Promise<StepHandlerResult> {
    const noOp = this.handleNoOpWorker(context);
    if (noOp) return noOp;
    const batch = this.getBatchContext(context);
    if (!batch) throw new PermanentError('csv_batch_worker_handler needs a batch cursor in its step inputs');
    const rows = (await readDataRows(context)).slice(batch.startCursor, batch.endCursor);
    let valueCents = 0;
    const categories: Record<string, number> = {};
    rows.forEach((line, i) => {
      const product = parseRow(line, batch.startCursor + i);
      valueCents += product.priceCents * product.quantity;
      categories[product.category] = (categories[product.category] ?? 0) + 1;
    });
    return this.batchWorkerResult(
      { processed_rows: rows.length, inventory_value: valueCents / 100, categories },
      batch,
    );
  }
}

/** aggregate_csv_results: `{total_rows, total_inventory_value, categories, batch_count}` over every worker. */
export class CsvAggregatorHandler extends BatchableStepHandler {
  static override handlerName = 'csv_aggregator_handler';
  async call(context: StepContext): Promise<StepHandlerResult> {
    const scenario = this.detectAggregationScenario(context.dependencyResults, null, WORKER_TEMPLATE);
    const zero = { total_rows: 0, total_inventory_value: 0, categories: {}, batch_count: 0 };
    return this.aggregateBatchWorkerResults(scenario, zero, (results) => {
      let rows = 0;
      let cents = 0;
      const categories: Record<string, number> = {};
      for (const r of Object.values(results)) {
        rows += Number(r.processed_rows ?? 0);
        cents += Math.round(Number(r.inventory_value ?? 0) * 100);
        for (const [category, count] of Object.entries((r.categories ?? {}) as Record<string, number>)) {
          categories[category] = (categories[category] ?? 0) + count;
        }
      }
      return { total_rows: rows, total_inventory_value: cents / 100, categories, batch_count: Object.keys(results).length };
    });
  }
}
