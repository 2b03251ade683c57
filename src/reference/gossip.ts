/** Temporary stand-in until the gossip reference architect lands (src/gossip). */
export function gossipArchitect(variables: Record<string, string>): string {
  const blank = Object.values(variables).every((v) => v.trim() === '');
  if (blank) return 'Missing inputs: please provide system_domain, network_scale and consistency_requirements.';
  if (/ignore previous instructions|shell|execute/i.test(Object.values(variables).join(' '))) return '{"error": "unsafe"}';
  return 'Push-pull gossip with SWIM membership; anti-entropy with Merkle trees.';
}
