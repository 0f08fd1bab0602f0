/** The font files the PDF documents embed, by face: the name they are shipped as beside a bundle, and the npm package file they come from (see fonts.ts). */
export type FontFace = 'latin' | 'latin-bold' | 'jp' | 'jp-bold' | 'sc' | 'sc-bold';

/** The file each face is shipped as, and the npm package path it comes from. */
export const FONT_FILES: Readonly<Record<FontFace, { readonly file: string; readonly from: string }>> = {
  latin: { file: 'NotoSans-Regular.ttf', from: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf' },
  'latin-bold': { file: 'NotoSans-Bold.ttf', from: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf' },
  jp: { file: 'NotoSansJP-Regular.ttf', from: '@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf' },
  'jp-bold': { file: 'NotoSansJP-Bold.ttf', from: '@expo-google-fonts/noto-sans-jp/700Bold/NotoSansJP_700Bold.ttf' },
  sc: { file: 'NotoSansSC-Regular.ttf', from: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf' },
  'sc-bold': { file: 'NotoSansSC-Bold.ttf', from: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf' },
};
