SITEGEN_SEARCH_CHUNK("w/6d-6f",{"model":"0","models":"3","most":"3"});
