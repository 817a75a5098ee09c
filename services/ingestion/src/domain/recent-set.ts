export /** A set that forgets its oldest entries beyond `capacity` (a Set iterates in insertion order). */
class RecentSet {
  private readonly items = new Set<string>();
  private readonly capacity: number;
  constructor(capacity: number) {
    this.capacity = capacity;
  }
  has(item: string): boolean {
    return this.items.has(item);
  }
  add(item: string): void {
    this.items.delete(item);
    this.items.add(item);
    if (this.items.size > this.capacity) this.items.delete(this.items.values().next().value!);
  }
}
