// The data sources and the podtrail.kind values each one covers; shared by the toggles, the histogram's
// stacking and the table's kind badges.

export const SOURCES = [
  { id: 'commands', label: 'Commands', kinds: ['exec', 'exit'], color: '#3b6fd4' },
  { id: 'network', label: 'Network', kinds: ['connect', 'accept', 'close'], color: '#d9822b' },
  { id: 'files', label: 'Files', kinds: ['file'], color: '#3a9a6a' },
  { id: 'k8s', label: 'Kubernetes API', kinds: ['k8s_api'], color: '#8a55c9' },
];

export const OTHER = { id: 'other', label: 'Other', kinds: ['other'], color: '#8892a0' };

export function sourceOf(kind) {
  return SOURCES.find(s => s.kinds.includes(kind)) || OTHER;
}
