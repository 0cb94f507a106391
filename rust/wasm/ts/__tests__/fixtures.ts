/** Small hand-made results shared by the tests. */
import type { DecodedItem, IocSummary, IocTextResult } from '../../pkg/huntkit_wasm.js';

export function ioc(
  type: string,
  value: string,
  count = 1,
  offset = 0,
  refanged = value
): IocSummary {
  return {
    IoCType: type,
    Observable: value,
    Refanged: refanged,
    Count: count,
    FirstOffset: offset
  };
}

export const SAMPLE_ITEMS: IocSummary[] = [
  ioc('url', 'hxxps://evil[.]example[.]com/a.php', 1, 10, 'https://evil.example.com/a.php'),
  ioc('dns', 'evil[.]example[.]com', 2, 18, 'evil.example.com'),
  ioc('ipv4', '10.1.2.3', 5, 50),
  ioc('md5_hash', 'd41d8cd98f00b204e9800998ecf8427e', 1, 64),
  ioc('email', 'bob[at]contoso.com', 3, 105, 'bob@contoso.com'),
  ioc('dns', 'contoso.com', 3, 112),
  ioc('cve', 'CVE-2021-44228', 1, 125)
];

export function sampleResult(items: IocSummary[] = SAMPLE_ITEMS): IocTextResult {
  const counts: Record<string, number> = {};
  for (const item of items) {
    counts[item.IoCType] = (counts[item.IoCType] ?? 0) + 1;
  }
  return { items, counts, bytes: 200, lines: 2 };
}

export function decoded(
  reference: string,
  parent: string | null,
  extra: Partial<DecodedItem> = {}
): DecodedItem {
  return {
    reference,
    depth: reference.split('.').length - 1,
    parent,
    original_string: 'SGVsbG8=',
    file_name: null,
    file_type: null,
    input_bytes: 8,
    decoded_string: `payload ${reference}`,
    encoding_type: 'base64',
    md5: 'md5',
    sha1: 'sha1',
    sha256: 'sha256',
    printable_bytes: '',
    start: 0,
    end: 8,
    ...extra
  };
}
