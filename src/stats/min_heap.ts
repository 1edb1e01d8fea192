// A binary heap ordered by a caller's comparison; the merge step of the change-point analysis pops its weakest point.

export class MinHeap<A> {
  private readonly items: Array<A> = []

  constructor(private readonly before: (a: A, b: A) => boolean) {}

  get size(): number {
    return this.items.length
  }

  push(item: A): void {
    const items = this.items
    let i = items.push(item) - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      const p = items[parent] as A
      if (!this.before(item, p)) break
      items[i] = p
      i = parent
    }
    items[i] = item
  }

  peek(): A | undefined {
    return this.items[0]
  }

  pop(): A | undefined {
    const items = this.items
    const top = items[0]
    const last = items.pop()
    if (items.length === 0 || last === undefined) return top
    let i = 0
    const n = items.length
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) break
      const r = l + 1
      const child = r < n && this.before(items[r] as A, items[l] as A) ? r : l
      if (!this.before(items[child] as A, last)) break
      items[i] = items[child] as A
      i = child
    }
    items[i] = last
    return top
  }
}
