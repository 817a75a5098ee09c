import { freePort } from './process.ts';

describe('freePort', () => {
  test('never hands out the same port twice, though the kernel gives a port just closed to the next listen(0) again', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 500; i++) ports.push(await freePort());

    expect(new Set(ports).size).toBe(ports.length);
    expect(ports.every((port) => port > 0 && port < 65_536)).toBe(true);
  });
});
