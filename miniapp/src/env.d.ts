/// <reference types="vite/client" />
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

// uni-app's build replaces `process.env.UNI_PLATFORM` with the target ('h5', 'mp-weixin').
declare const process: { env: { UNI_PLATFORM?: string } }

interface ImportMetaEnv {
  /** The API for the WeChat package, e.g. https://api.example.cn/api/v1 (the H5 page uses its own origin). */
  readonly VITE_API_BASE?: string
}
