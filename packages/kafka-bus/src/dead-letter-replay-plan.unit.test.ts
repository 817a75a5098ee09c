import { countDecision, decideReplay, emptySummary, formatReplaySummary, nextBookmark, replayHeaders, replayRange } from './dead-letter-replay-plan.ts';

describe('which dead-letter offsets a replay reads', () => {
  test('Given no bookmark, then everything still kept, from the low watermark to the end', () => {
    expect(replayRange({ low: 3, high: 10, bookmark: undefined })).toEqual({ start: 3, end: 10 });
  });

  test('Given a bookmark from a previous run, then only what came after it', () => {
    expect(replayRange({ low: 0, high: 10, bookmark: 7 })).toEqual({ start: 7, end: 10 });
  });

  test('Given a bookmark at the end, then nothing is read', () => {
    expect(replayRange({ low: 0, high: 10, bookmark: 10 })).toBeUndefined();
    expect(replayRange({ low: 0, high: 0, bookmark: undefined })).toBeUndefined();
  });

  test('Given --from-offset and an inclusive --to-offset, then they override the bookmark within what is kept', () => {
    expect(replayRange({ low: 0, high: 10, bookmark: 7 }, { fromOffset: 2, toOffset: 4 })).toEqual({ start: 2, end: 5 });
    expect(replayRange({ low: 5, high: 10, bookmark: undefined }, { fromOffset: 2, toOffset: 40 })).toEqual({ start: 5, end: 10 });
    expect(replayRange({ low: 0, high: 10, bookmark: undefined }, { fromOffset: 6, toOffset: 5 })).toBeUndefined();
  });

  test('Given an older range replayed on purpose, then the bookmark does not move back', () => {
    expect(nextBookmark(7, 5)).toBe(7);
    expect(nextBookmark(7, 9)).toBe(9);
    expect(nextBookmark(undefined, 3)).toBe(3);
  });
});

describe('which dead letters go back', () => {
  const headers = { 'dlq-reason': 'retries-exhausted', 'dlq-source-topic': 'ns.invoices.registered.v1' };

  test('Given no --reason, then every dead letter with a source topic goes back to it', () => {
    expect(decideReplay(headers, [])).toEqual({ replay: true, sourceTopic: 'ns.invoices.registered.v1' });
    expect(decideReplay({ 'dlq-reason': Buffer.from('invalid-json'), 'dlq-source-topic': Buffer.from('t') }, [])).toEqual({ replay: true, sourceTopic: 't' });
  });

  test('Given --reason, then dead letters with another reason are skipped', () => {
    expect(decideReplay(headers, ['retries-exhausted', 'handler-rejected'])).toMatchObject({ replay: true });
    expect(decideReplay(headers, ['handler-rejected'])).toEqual({ replay: false, skip: 'reason-filter' });
  });

  test('Given a record without dlq-source-topic, then it is skipped', () => {
    expect(decideReplay({ 'dlq-reason': 'invalid-json' }, [])).toEqual({ replay: false, skip: 'no-source-topic' });
  });

  test('Given a dead letter, then the replayed headers are the original ones plus dlq-replayed-from', () => {
    const replayed = replayHeaders({ traceparent: 'tp', 'event-id': 'e-1', ...headers, 'dlq-error': 'boom', 'dlq-replayed-from': '1' }, '42');
    expect(replayed).toEqual({ traceparent: 'tp', 'event-id': 'e-1', 'dlq-replayed-from': '42' });
  });
});

describe('the replay summary', () => {
  test('Given replayed and skipped records, then the table shows both per reason, the totals and the next start', () => {
    const summary = emptySummary('regua.scoring.dlq.v1', false);
    countDecision(summary, 'retries-exhausted', { replay: true, sourceTopic: 't' });
    countDecision(summary, 'retries-exhausted', { replay: true, sourceTopic: 't' });
    countDecision(summary, 'invalid-json', { replay: false, skip: 'reason-filter' });
    summary.bookmarks.set(0, 3);

    const text = formatReplaySummary(summary);

    expect(text.split('\n')).toEqual([
      'dead letters of regua.scoring.dlq.v1',
      'reason             replayed              skipped',
      'retries-exhausted         2                    0',
      'invalid-json              0  1 (1 reason-filter)',
      'total                     2                    1',
      'next run starts at partition 0 at offset 3',
    ]);
  });

  test('Given a dry run, then the table says what would be replayed and that nothing moved', () => {
    const summary = emptySummary('t.dlq.v1', true);
    countDecision(summary, 'handler-rejected', { replay: true, sourceTopic: 't' });
    expect(formatReplaySummary(summary)).toContain('would replay');
    expect(formatReplaySummary(summary)).toContain('dry run: nothing sent, bookmark unchanged');
  });
});
