import type { ProviderSection, ZoroConfig } from '../adapters/config/types.js';
import { createProvider } from '../adapters/providers/registry.js';
import type { TicketProvider } from '../adapters/providers/types.js';

/**
 * The configured ticket providers, rebuilt when their section changes on reload. Also the
 * rule for zoro-wide ticket ids: a provider's own id, except that every plan provider after
 * the first prefixes its numbers with its name (`backlog:3`), so two plans never collide.
 */
export class ProviderSet {
  private readonly providers = new Map<string, { section: string; provider: TicketProvider }>();
  private prefixed = new Set<string>();

  constructor(
    config: ZoroConfig,
    /** Providers' one-off notices (a paid-only API, each retry) for the event log. */
    private readonly log: (provider: string, message: string) => void = () => undefined,
  ) {
    this.update(config);
  }

  update(config: ZoroConfig): void {
    const wanted = new Set(config.providers.map((p) => p.name));
    for (const [name, entry] of this.providers) {
      if (!wanted.has(name)) {
        void entry.provider.close?.();
        this.providers.delete(name);
      }
    }
    for (const section of config.providers) {
      const key = JSON.stringify(section.values) + section.type + section.api_url;
      const existing = this.providers.get(section.name);
      if (existing?.section === key) continue;
      void existing?.provider.close?.();
      this.providers.set(section.name, { section: key, provider: createProvider(section, { log: (message: string) => this.log(section.name, message) }) });
    }
    const plans = config.providers.filter((p) => p.type === 'plan').map((p) => p.name);
    this.prefixed = new Set(plans.slice(1));
  }

  get(name: string): TicketProvider | null {
    return this.providers.get(name)?.provider ?? null;
  }

  globalId(provider: string, id: string): string {
    return this.prefixed.has(provider) ? `${provider}:${id}` : id;
  }

  /** The plan provider `zoro add` appends to: one of `names`, or the first there is. */
  planFor(names: string[]): TicketProvider | null {
    const plans = [...this.providers.values()].map((e) => e.provider).filter((p) => p.type === 'plan');
    return plans.find((p) => names.includes(p.name)) ?? plans[0] ?? null;
  }

  /** Providers that push changes (plan.md): call back with the provider's name. */
  watch(onChange: (provider: string) => void): () => void {
    const stops = [...this.providers.values()].flatMap(({ provider }) => (provider.watch ? [provider.watch(() => onChange(provider.name))] : []));
    return () => stops.forEach((stop) => stop());
  }

  async close(): Promise<void> {
    await Promise.all([...this.providers.values()].map((e) => e.provider.close?.()));
  }
}
