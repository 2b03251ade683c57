/**
 * The promptfoo types this adapter is written against, imported in one place and as types only: nothing here loads
 * promptfoo at run time, and a change of promptfoo's shapes breaks the build here first.
 */
export type {
  ApiProvider,
  Assertion,
  AssertionValueFunctionContext,
  AtomicTestCase,
  CallApiContextParams,
  GradingResult,
  PromptFunctionContext,
  ProviderOptions,
  ProviderResponse,
  TestCase,
  VarValue,
} from 'promptfoo' with { 'resolution-mode': 'import' };
