/** Which pages go to which tier, served by which provider and model — and why. */
import type { PageLayout } from '../conversion/model/layout';
import type { AiConfig, AiProviderName, AiTier } from './config';

export interface TierTarget {
  tier: AiTier;
  provider: AiProviderName;
  model: string;
  /** Why this provider serves the tier. */
  why: string;
}

export type Tiers = Partial<Record<AiTier, TierTarget>>;

function otherProvider(name: AiProviderName): AiProviderName {
  return name === 'openai' ? 'anthropic' : 'openai';
}

function target(config: AiConfig, tier: AiTier): TierTarget | undefined {
  const preferred = tier === 'strong' ? config.strongProvider : config.fastProvider;
  const override = tier === 'strong' ? config.strongModel : config.fastModel;
  for (const provider of [preferred, otherProvider(preferred)]) {
    const settings = config[provider];
    if (!settings) continue;
    const why =
      provider === preferred
        ? 'configured provider'
        : `${preferred} has no key; ${provider} serves both tiers`;
    return { tier, provider, model: override ?? settings.model, why };
  }
  return undefined;
}

/** The tiers the mode uses: strong for complex pages (complex, all), fast for simple pages (all). */
export function resolveTiers(config: AiConfig): Tiers {
  if (config.mode === 'off') return {};
  const tiers: Tiers = { strong: target(config, 'strong') };
  if (config.mode === 'all') tiers.fast = target(config, 'fast');
  return tiers;
}

export interface Route {
  target?: TierTarget;
  reason: string;
}

export function routePage(page: PageLayout, tiers: Tiers, hasText: boolean): Route {
  if (!hasText) return { reason: 'no text on the page' };
  if (page.complexity.complex) {
    const why = `complex (${page.complexity.reasons.join(', ') || 'unspecified'})`;
    return tiers.strong ? { target: tiers.strong, reason: why } : { reason: `${why}; no strong tier` };
  }
  return tiers.fast
    ? { target: tiers.fast, reason: 'simple page (mode all)' }
    : { reason: 'simple page: heuristics only' };
}
