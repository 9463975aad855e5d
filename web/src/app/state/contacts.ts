// Contacts by id, fetched lazily (the list shows names of the rows on screen only), a few at a
// time, cached.
import { signal, type Signal } from "@preact/signals";
import type { Contact, Uuid } from "../../shared/types";
import * as ep from "../api/endpoints";

const store = new Map<Uuid, Signal<Contact | null>>();
const queue: Uuid[] = [];
const queued = new Set<Uuid>();
let running = 0;
const MAX = 6;

export function contact(id: Uuid): Signal<Contact | null> {
  let s = store.get(id);
  if (!s) {
    s = signal<Contact | null>(null);
    store.set(id, s);
    enqueue(id);
  }
  return s;
}

export function setContact(c: Contact): void {
  const s = store.get(c.id);
  if (s) s.value = c;
  else store.set(c.id, signal<Contact | null>(c));
}

export function refreshContact(id: Uuid): void {
  enqueue(id);
}

function enqueue(id: Uuid): void {
  if (queued.has(id)) return;
  queued.add(id);
  queue.push(id);
  pump();
}

function pump(): void {
  while (running < MAX && queue.length) {
    // Newest requests first: the rows on screen now.
    const id = queue.pop()!;
    running++;
    ep.getContact(id)
      .then(setContact, () => {})
      .finally(() => {
        running--;
        queued.delete(id);
        pump();
      });
  }
}

export function clearContacts(): void {
  store.clear();
  queue.length = 0;
  queued.clear();
}

/// A name to show: the contact's name, else its email, else "Visitor #abcd".
export function displayName(c: Contact | null, id?: Uuid): string {
  if (c?.name) return c.name;
  if (c?.email) return c.email;
  const tail = (c?.id ?? id ?? "").replace(/-/g, "").slice(-4);
  return tail ? `Visitor #${tail}` : "Visitor";
}
