/**
 * What a prompt file's `model` (or a judge's `modelId`) may name, and the promptfoo provider id it maps to. A prompt
 * file is data from whoever edits the repository: it names model APIs only, never a provider that runs code.
 */

/** Maps a prompt file's `model` to a promptfoo provider id. */
export function targetFor(model: string): string {
  if (/^[a-z][\w.-]*:/i.test(model)) return model; // already a promptfoo id: openai:chat:x, anthropic:messages:y, ...
  const [publisher, ...rest] = model.split('/');
  const name = rest.join('/');
  if (rest.length > 0) {
    switch (publisher?.toLowerCase()) {
      case 'openai':
      case 'azure-openai':
        return `openai:chat:${name}`;
      case 'anthropic':
        return `anthropic:messages:${name}`;
      case 'azure':
        return `azure:chat:${name}`;
      case 'ollama':
        return `ollama:chat:${name}`;
      default:
        return `openai:chat:${model}`; // other publishers: an OpenAI-compatible server (vLLM, LM Studio) serving that id
    }
  }
  if (/^claude/i.test(model)) return `anthropic:messages:${model}`;
  return `openai:chat:${model}`;
}

/**
 * The promptfoo ids a prompt file's `model` (or a judge's `modelId`) may map to: model APIs. promptfoo resolves
 * many other ids, and some run code on this machine or reach any address: `file://x.js` and `package:` load a
 * module, `exec:` runs a command, `python:`/`golang:`/`ruby:` run scripts, `http:` posts anywhere, and coding
 * agents (`openai:codex-sdk`, `anthropic:claude-agent-sdk`) run tools. A prompt file is data from whoever edits
 * the repository, so it names models only; any other provider belongs in promptfooconfig.yaml.
 */
export const MODEL_APIS = [
  'openai:chat:',
  'openai:responses:',
  'openai:completion:',
  'anthropic:messages:',
  'azure:chat:',
  'azure:responses:',
  'azure:completion:',
  'ollama:chat:',
  'ollama:completion:',
] as const;

/** Why a prompt file may not name `model`, or undefined when it maps to a model API. */
export function modelProblem(model: string): string | undefined {
  const target = targetFor(model);
  if (MODEL_APIS.some((api) => target.startsWith(api) && target.length > api.length)) return undefined;
  const family = /^([a-z][\w.-]*):/i.exec(target)?.[1] ?? target;
  if (family.toLowerCase() === 'github') {
    // promptfoo's GitHub Models provider (retired with the service); gh models itself sent the id as is, unknown there.
    return `'${model}' names the retired GitHub Models provider ('github:'); name the model itself, e.g. '${model.replace(/^github:/i, '')}'`;
  }
  return (
    `'${model}' is promptfoo's '${family}' provider, not a model API; a prompt file may name a model ` +
    `(gpt-4o, openai/gpt-4o, anthropic/claude-…, azure/<deployment>, ollama/<model>) or an id starting with ` +
    `${MODEL_APIS.join(', ')}. Configure other providers in promptfooconfig.yaml`
  );
}
