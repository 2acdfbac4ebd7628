module.exports = { rootDir: __dirname, testEnvironment: 'jsdom', testMatch: ['<rootDir>/*.test.cjs'], transform: {} }
