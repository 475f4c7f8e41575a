// The benchmark's one message: a commerce order as a storefront would send it. order.proto has
// the same fields with the same numbers; bench/sample.ts holds the one value every system encodes.
namespace js bench

struct Address {
  1: string recipient
  2: string street
  3: string city
  4: string region
  5: string postalCode
  6: string country
}

struct LineItem {
  1: i64 productId
  2: string sku
  3: string title
  4: i32 quantity
  5: i64 unitPriceCents
  6: map<string, string> attributes
}

struct Order {
  1: i64 id
  2: i64 customerId
  3: i64 createdAtMs
  4: list<LineItem> items
  5: Address shippingAddress
  6: list<string> tags
  7: string note
  8: string currency
}

struct Receipt {
  1: i64 orderId
  2: i64 totalCents
  3: i64 acceptedAtMs
  4: string status
}

service OrderService {
  Receipt placeOrder(1: Order order)
}
