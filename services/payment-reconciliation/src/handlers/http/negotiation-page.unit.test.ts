import { escapeHtml } from './negotiation-page.ts';

test('text that looks like markup is escaped, quotes included', () => {
  expect(escapeHtml(`<script>alert("x")</script>&'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
});
