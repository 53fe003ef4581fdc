import { ApiHandler } from './api-handler.ts';
import { isBatchableClass } from './batchable.ts';
import { DecisionHandler } from './decision-handler.ts';
import { HandlerType, type StepHandlerClass } from './step-handler.ts';

/** How a handler is listed: its name, class vs `define*` kind, role and version. */
export interface HandlerInfo {
  name: string;
  kind: 'class' | 'functional';
  type: HandlerType;
  version: string;
}

/**
 * The listing facts of a handler class. `type` is the class's static `handlerType` when set (the `define*`
 * functions set it), else inferred from its base: ApiHandler → api, DecisionHandler → decision,
 * Batchable → batchable, otherwise step. Set `static handlerType = 'batch_worker'` on class-based workers.
 */
export function describeHandler(cls: StepHandlerClass): HandlerInfo {
  let type: HandlerType = HandlerType.STEP;
  if (cls.handlerType) type = cls.handlerType;
  else if (cls.prototype instanceof ApiHandler) type = HandlerType.API;
  else if (cls.prototype instanceof DecisionHandler) type = HandlerType.DECISION;
  else if (isBatchableClass(cls)) type = HandlerType.BATCHABLE;
  return {
    name: cls.handlerName || cls.name,
    kind: cls.functional === true ? 'functional' : 'class',
    type,
    version: cls.handlerVersion ?? '1.0.0',
  };
}
