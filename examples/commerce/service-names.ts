// The demo's services, by the name of their process (services/<name>.ts).

/** Every service of the platform. */
export const SERVICE_NAMES = ["users", "products", "inventory", "payments", "orders"] as const;
/** One service of the platform. */
export type ServiceName = (typeof SERVICE_NAMES)[number];
