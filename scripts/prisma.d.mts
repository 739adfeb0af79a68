export function prismaEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function runPrisma(args: string[], opts?: { env?: NodeJS.ProcessEnv; quiet?: boolean }): number;
