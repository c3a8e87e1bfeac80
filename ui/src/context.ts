// What every view needs: the language, the locale for Intl, and navigation.
import type { Lang } from "./i18n";

export interface Ctx {
  lang: Lang;
  locale: string;
  openTurbine(id: string): void;
  backToFleet(): void;
}
